import type Database from 'better-sqlite3';
import type { AlertChange } from '../lifecycle/alert-store.js';
import type { Executor } from './executors.js';

/** The local alarm log (`alarm_log` table), trimmed to the newest `maxRows`. */
export function alarmLogExecutor(db: Database.Database, maxRows = 100_000): Executor {
  const ins = db.prepare('INSERT INTO alarm_log (at, alert_id, rule, device, severity, change, message) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const trim = db.prepare('DELETE FROM alarm_log WHERE id <= (SELECT MAX(id) FROM alarm_log) - ?');
  let writes = 0;
  return {
    target: 'alarm_log',
    run(c: AlertChange) {
      const a = c.alert;
      ins.run(c.at, a.id, a.rule, a.device, a.severity, c.change, c.change === 'cleared' ? (a.clearMessage ?? a.message) : a.message);
      if (++writes % 1000 === 0) trim.run(maxRows);
      return Promise.resolve({});
    },
  };
}
