import { useGet } from '../../api/use-api.js';
import type { HubAlert, Items } from '../../api/types.js';
import { Resource } from '../../components/states.js';
import { AlertTable } from '../alerts/AlertTable.js';
import type { DeviceTabProps } from './device-tabs.js';

/** Edge alerts this gateway raised (sent through its uplink), newest first. */
export function AlertsTab({ device }: DeviceTabProps) {
  const alerts = useGet<Items<HubAlert>>('/v1/alerts', { gateway: device.id, limit: 500 });
  return (
    <Resource res={alerts} what="alerts" empty={(d) => d.items.length === 0 && 'This gateway has raised no alerts.'}>
      {(d) => <AlertTable label="Device alerts" alerts={d.items} changed={alerts.reload} />}
    </Resource>
  );
}
