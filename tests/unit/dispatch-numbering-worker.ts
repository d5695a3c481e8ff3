// One desk saving orders as fast as it can: `tsx dispatch-numbering-worker.ts <db> <count> <user id> <now ISO> <start at ms>`.
// Prints the order numbers it got, as JSON, on its last line.
import { openDatabase } from '../../db/open.js';
import { createOrder } from '../../db/services/orders.js';

const [file, countText, userText, nowIso, startText] = process.argv.slice(2);
const db = openDatabase(file);
const contract = db.prepare('SELECT id, customer, region_id FROM sales_contracts ORDER BY id LIMIT 1').get() as {
  id: number;
  customer: string;
  region_id: number;
};
const user = { id: Number(userText), username: 'desk', displayName: `desk ${userText}`, role: 'clerk' as const };
const now = new Date(nowIso);
// Both desks start at the same moment.
while (Date.now() < Number(startText)) {
  /* spin */
}
const numbers: string[] = [];
const pause = new Int32Array(new SharedArrayBuffer(4));
for (let i = 0; i < Number(countText); i++) {
  // A moment between saves, as at a desk: without it one process can hold the write lock for
  // its whole run while SQLite's busy handler keeps the other asleep.
  if (i % 4 === 0) Atomics.wait(pause, 0, 0, 1);
  const { orderNo } = createOrder(
    db,
    {
      contractId: contract.id,
      customer: contract.customer,
      project: '',
      address: '',
      regionId: contract.region_id,
      taskTypeId: 1,
      warranty: false,
      contact: '张工',
      phone: '13912345678',
      deviceName: '',
      deviceModel: '',
      devicePartNo: '',
      deviceSerialNo: '',
      problem: `desk ${userText} order ${i}`,
      urgency: 'normal',
      expectedAt: null,
      engineerId: null,
    },
    { user, now },
  );
  numbers.push(orderNo);
}
db.close();
console.log(JSON.stringify(numbers));
