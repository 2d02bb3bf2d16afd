import { useState, type FormEvent } from 'react';
import { useAction, useGet } from '../../api/use-api.js';
import type { ApiKey, Items } from '../../api/types.js';
import { ErrorNotice, Resource } from '../../components/states.js';
import { SecretOnce } from '../../components/CopyButton.js';
import { ago, dateTime } from '../../components/format.js';

const SCOPES = ['read', 'write', 'admin', 'ingest'] as const;

/** API keys: create (the secret is shown once), list with last use, revoke. Admins only. */
export function ApiKeysPanel() {
  const keys = useGet<Items<ApiKey>>('/v1/api-keys');
  const act = useAction();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['read']);
  const [secret, setSecret] = useState<string | null>(null);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const r = await act.run((api) => api.post<ApiKey & { secret: string }>('/v1/api-keys', { name, scopes }));
    if (r) { setSecret(r.secret); setName(''); keys.reload(); }
  };
  const revoke = async (id: string) => { if (await act.run((api) => api.del(`/v1/api-keys/${id}`))) keys.reload(); };
  const toggle = (sc: string) => setScopes((s) => (s.includes(sc) ? s.filter((x) => x !== sc) : [...s, sc]));
  return (
    <section className="panel" aria-label="API keys">
      <h2>API keys</h2>
      <form className="toolbar" onSubmit={(e) => void create(e)} aria-label="Create API key">
        <label>Name<input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} /></label>
        <fieldset className="levels"><legend>Scopes</legend>
          {SCOPES.map((sc) => <label key={sc} className="inline"><input type="checkbox" checked={scopes.includes(sc)} onChange={() => toggle(sc)} /> {sc}</label>)}
        </fieldset>
        <button type="submit" disabled={act.busy || scopes.length === 0}>Create key</button>
      </form>
      <ErrorNotice error={act.error} />
      {secret && <SecretOnce label="API key" secret={secret} />}
      <Resource res={keys} what="API keys" empty={(d) => d.items.length === 0 && 'No API keys yet.'}>
        {(d) => (
          <table className="grid" aria-label="API keys">
            <thead><tr><th>Name</th><th>Prefix</th><th>Scopes</th><th>Created</th><th>Last used</th><th>State</th><th /></tr></thead>
            <tbody>{d.items.map((k) => (
              <tr key={k.id} data-key={k.name}>
                <td>{k.name}</td><td><code>{k.prefix}</code></td><td>{k.scopes.join(', ')}</td><td>{dateTime(k.createdAt)}</td><td>{ago(k.lastUsedAt)}</td>
                <td>{k.revokedAt ? 'revoked' : k.expiresAt !== null && k.expiresAt <= Date.now() ? 'expired' : 'active'}</td>
                <td>{!k.revokedAt && <button type="button" onClick={() => void revoke(k.id)}>Revoke</button>}</td>
              </tr>
            ))}</tbody>
          </table>
        )}
      </Resource>
    </section>
  );
}
