// The read pool's worker thread: TypeScript through tsx (also when the server runs inside a test
// runner that did not load tsx for this thread), then the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./read-pool-worker.ts');
