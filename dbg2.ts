import { PostgresStore } from './src/store/postgres/postgres-store.js';
import pg from 'pg';
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS odc_dbg WITH (FORCE)');
await admin.query('CREATE DATABASE odc_dbg');
const store = await PostgresStore.open({ connectionString: 'postgres://postgres@127.0.0.1:5432/odc_dbg' });
const ev = (i: number) => ({ id: `e${i}`, eventType: 'ORDER_COMPLETED', occurredAt: new Date().toISOString(), customerId: 'c1', data: {} });
try {
  const r = await Promise.all([1, 2, 3].map((i) => (store as any).publishEvents('t1', [ev(i)])));
  console.log(r);
} catch (e) { console.log('ERR', e); }
await store.close();
await admin.query('DROP DATABASE odc_dbg WITH (FORCE)');
await admin.end();
