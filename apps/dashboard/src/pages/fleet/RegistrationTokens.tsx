import { useState } from 'react';
import { useAction, useGet } from '../../api/use-api.js';
import type { DeviceType, Items, RegistrationToken } from '../../api/types.js';
import { useSession } from '../../app/session.js';
import { ErrorNotice, Resource } from '../../components/states.js';
import { SecretOnce } from '../../components/CopyButton.js';
import { dateTime } from '../../components/format.js';

function tokenState(t: RegistrationToken, now: number): string {
  if (t.usedAt !== null) return 'used';
  return t.expiresAt <= now ? 'expired' : 'valid';
}

/** Create (secret shown once, copy), list and revoke registration tokens. Admins only. */
export function RegistrationTokens() {
  const s = useSession();
  const tokens = useGet<Items<RegistrationToken>>(s.canChange ? '/v1/registration-tokens' : null);
  const types = useGet<Items<DeviceType>>('/v1/device-types');
  const act = useAction();
  const [created, setCreated] = useState<string | null>(null);
  const [ttlH, setTtlH] = useState(24);
  const [typeId, setTypeId] = useState('');
  if (!s.canChange) return null;

  const create = async () => {
    const r = await act.run((api) => api.post<RegistrationToken>('/v1/registration-tokens', { ttlS: Math.round(ttlH * 3600), ...(typeId ? { deviceTypeId: typeId } : {}) }));
    if (r?.token) { setCreated(r.token); tokens.reload(); }
  };
  const revoke = async (id: string) => {
    if (await act.run((api) => api.del(`/v1/registration-tokens/${id}`))) tokens.reload();
  };
  const now = Date.now();
  return (
    <section className="panel" aria-label="Registration tokens">
      <h2>Registration tokens</h2>
      <div className="toolbar">
        <label>Valid for (hours)<input type="number" min={1} max={720} value={ttlH} onChange={(e) => setTtlH(Number(e.target.value))} /></label>
        <label>Device type<select value={typeId} onChange={(e) => setTypeId(e.target.value)}>
          <option value="">none</option>
          {(types.data?.items ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select></label>
        <button type="button" onClick={() => void create()} disabled={act.busy}>Create token</button>
      </div>
      <ErrorNotice error={act.error} />
      {created && <SecretOnce label="Registration token" secret={created} />}
      <Resource res={tokens} what="registration tokens" empty={(d) => d.items.length === 0 && 'No registration tokens yet.'}>
        {(d) => (
          <table className="grid" aria-label="Registration tokens">
            <thead><tr><th>Prefix</th><th>State</th><th>Expires</th><th>Used by</th><th>Created</th><th /></tr></thead>
            <tbody>{d.items.map((t) => (
              <tr key={t.id}>
                <td><code>{t.prefix}</code></td><td>{tokenState(t, now)}</td><td>{dateTime(t.expiresAt)}</td>
                <td>{t.usedByDevice ?? '—'}</td><td>{dateTime(t.createdAt)}</td>
                <td>{tokenState(t, now) === 'valid' && <button type="button" onClick={() => void revoke(t.id)}>Revoke</button>}</td>
              </tr>
            ))}</tbody>
          </table>
        )}
      </Resource>
    </section>
  );
}
