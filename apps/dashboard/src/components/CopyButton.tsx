import { useState } from 'react';

/** Copies text to the clipboard; where the browser refuses (no secure context), selects it instead. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState<string | null>(null);
  const copy = async () => {
    try { await navigator.clipboard.writeText(text); setDone('Copied'); } catch { setDone('Select and copy by hand'); }
  };
  return <button type="button" onClick={() => void copy()}>{done ?? label}</button>;
}

/** A secret the hub shows once: displayed with a copy button and a warning. */
export function SecretOnce({ label, secret }: { label: string; secret: string }) {
  return (
    <div className="secret" role="status">
      <p><strong>{label}</strong> — shown only now; copy it before leaving this page.</p>
      <code data-secret>{secret}</code> <CopyButton text={secret} />
    </div>
  );
}
