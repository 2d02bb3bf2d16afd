// Pyodide host process for Python scripts. Plain JavaScript because it runs in a child started with
// Node's permission model (fs reads limited to the Pyodide package and this file, no child
// processes, no workers, no native addons) and with code generation from strings disabled, so no TS
// loader can run here. Python reaches the JavaScript realm through Pyodide's FFI, which is why the
// boundary is this locked-down process and not a worker thread inside the gateway.
import { constants as fsConstants } from 'node:fs';

// Pyodide's NODEFS asks for fs constants through process.binding, which the permission model denies.
process.binding = (name) => {
  if (name === 'constants') return { fs: fsConstants };
  throw new Error('process.binding is disabled in the sandbox');
};
const send = process.send.bind(process);
const stdoutLines = [];
let call;

/** Cap WebAssembly memory growth: Pyodide's malloc then fails and Python raises MemoryError. */
// The process holds one WebAssembly memory (Pyodide's), so the cap applies to any memory here.
function capMemory(currentBytes, extraMb) {
  const capPages = currentBytes / 65536 + Math.ceil((extraMb * 1048576) / 65536);
  const grow = WebAssembly.Memory.prototype.grow;
  WebAssembly.Memory.prototype.grow = function (delta) {
    if (this.buffer.byteLength / 65536 + delta > capPages) throw new RangeError('memory limit reached');
    return grow.call(this, delta);
  };
}

/** Remove what a script could use to leave the process through the FFI (network, builtins). */
function lockDown() {
  for (const name of ['fetch', 'WebSocket', 'XMLHttpRequest', 'EventSource', 'Request']) delete globalThis[name];
  for (const name of ['getBuiltinModule', 'dlopen', '_linkedBinding', 'kill', 'chdir', 'send']) {
    try { process[name] = undefined; } catch { /* non-writable: the permission model still applies */ }
  }
}

async function init(msg) {
  const { loadPyodide } = await import(msg.pyodideModule);
  const py = await loadPyodide({
    indexURL: msg.indexURL,
    jsglobals: Object.create(null), // `import js` sees nothing of this realm
    stdout: (line) => { if (stdoutLines.length < 100) stdoutLines.push(line); },
    stderr: (line) => { if (stdoutLines.length < 100) stdoutLines.push(line); },
  });
  py.runPython(msg.wrapper);
  const ns = py.toPy({ __name__: 'script' });
  py.runPython(msg.source, { globals: ns, filename: `script:${msg.name}.py` });
  const setup = py.globals.get('_outpost_setup');
  call = setup(ns, JSON.stringify(msg.config), JSON.stringify(msg.state), msg.maxLogs, msg.maxOutputBytes);
  capMemory(py._module.HEAPU8.buffer.byteLength, msg.memoryMb);
  lockDown();
}

process.on('message', async (msg) => {
  if (msg.type === 'init') {
    try {
      await init(msg);
      send({ type: 'ready' });
    } catch (e) {
      send({ type: 'ready', error: { message: String(e && e.message), stack: String(e && e.stack) } });
    }
  } else if (msg.type === 'call') {
    const c0 = process.cpuUsage();
    let reply;
    let fatal = false;
    try {
      reply = call(msg.request);
    } catch (e) {
      // A JavaScript error unwound through the WebAssembly stack (e.g. an API the permission model
      // denied); Pyodide is not reliable after that, so the host replaces this process.
      reply = JSON.stringify({ e: { name: 'Error', message: String(e && e.message) }, l: [] });
      fatal = true;
    }
    const cpu = process.cpuUsage(c0);
    send({ type: 'reply', id: msg.id, reply: typeof reply === 'string' ? reply : undefined, fatal, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
});
