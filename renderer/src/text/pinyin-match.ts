// The pickers' pinyin rule lives in shared/ because the server's `pinyin` condition uses it too.
export * from '../../../shared/text/pinyin-match.js';
