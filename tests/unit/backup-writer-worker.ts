// A desk writing orders through the Backend until told to stop (tests/unit/backup.test.ts):
// `tsx backup-writer-worker.ts <db> <stop file>`. Each order is created, then gets its two fee
// lines as one set (one transaction). Prints "ready" once writing, and the count at the end.
import { existsSync } from 'node:fs';
import { Backend } from '../../db/backend.js';
import { openDatabase } from '../../db/open.js';

const [file, stopFile] = process.argv.slice(2);
const db = openDatabase(file);
const backend = new Backend(db);
const { token } = await backend.call('auth.login', { username: 'clerk', password: 'demo123' });
const contract = db.prepare('SELECT id, customer, region_id FROM sales_contracts ORDER BY id LIMIT 1').get() as {
  id: number;
  customer: string;
  region_id: number;
};
let written = 0;
while (!existsSync(stopFile)) {
  const { orderNo, rowVersion } = await backend.call(
    'dispatch.create',
    {
      order: {
        contractId: contract.id,
        customer: contract.customer,
        regionId: contract.region_id,
        taskTypeId: 1,
        warranty: false,
        contact: '张工',
        phone: '13912345678',
        problem: `backup stream ${written}`,
        urgency: 'normal',
        expectedAt: null,
        engineerId: null,
      },
    },
    token,
  );
  await backend.call(
    'dispatch.saveFees',
    {
      orderNo,
      rowVersion,
      lines: [
        { feeType: 'labour', amountFen: 12_345, payer: 'customer', settled: false, settledOn: null },
        { feeType: 'travel', amountFen: 6_789, payer: 'company', settled: false, settledOn: null },
      ],
    },
    token,
  );
  written++;
  if (written === 20) console.log('ready');
}
db.close();
console.log(`written ${written}`);
