/**
 * Python side of the reply protocol (see js/bootstrap.ts), run once in the Pyodide child before
 * the user script. The user script gets its own namespace; `_outpost_call(request_json)` returns
 * the reply string. Every exception, including SystemExit and KeyboardInterrupt, becomes a reply.
 */
export const PY_WRAPPER = `
import json as _json, traceback as _tb

class _OutpostLog:
    def __init__(self, max_lines):
        self.lines = []
        self.max = max_lines
    def _add(self, level, args):
        if len(self.lines) < self.max:
            self.lines.append([level, ' '.join(a if isinstance(a, str) else repr(a) for a in args)[:2000]])
    def debug(self, *a): self._add('debug', a)
    def info(self, *a): self._add('info', a)
    def warn(self, *a): self._add('warn', a)
    def warning(self, *a): self._add('warn', a)
    def error(self, *a): self._add('error', a)

class _OutpostState:
    def __init__(self, initial):
        self._d = dict(initial)
        self.dirty = False
    def get(self, k, default=None): return self._d.get(str(k), default)
    def set(self, k, v):
        self._d[str(k)] = v
        self.dirty = True
    def delete(self, k):
        had = self._d.pop(str(k), _OutpostState) is not _OutpostState
        self.dirty = self.dirty or had
        return had
    def has(self, k): return str(k) in self._d
    def keys(self): return list(self._d.keys())
    def __getitem__(self, k): return self._d[str(k)]
    def __setitem__(self, k, v): self.set(k, v)
    def __contains__(self, k): return self.has(k)

class _OutpostContext:
    __slots__ = ('device', 'metrics', 'config', 'state', 'log', '_prev')
    def previous(self, metric, device):
        return self._prev.get(str(device) + '\\u0000' + str(metric))

def _outpost_setup(user_ns, config_json, state_json, max_logs, max_bytes):
    user_fn = user_ns.get('process')
    if not callable(user_fn):
        raise TypeError('the script must define def process(data, context)')
    log = _OutpostLog(max_logs)
    state = _OutpostState(_json.loads(state_json))
    config = _json.loads(config_json)
    prev = {}

    def fail(e, name=None):
        return _json.dumps({'e': {'name': name or type(e).__name__, 'message': str(e), 'stack': _tb.format_exc()}, 'l': log.lines})

    def call(request_json):
        req = _json.loads(request_json)
        log.lines = []
        state.dirty = False
        ctx = _OutpostContext()
        ctx.device = req.get('device')
        ctx.metrics = req.get('metrics') or {}
        ctx.config = config
        ctx.state = state
        ctx.log = log
        ctx._prev = prev
        data = req.get('data')
        # taken before the call: the script may mutate its input in place
        seen = [(str(p.get('device')) + '\\u0000' + str(p.get('metric')), {'ts': p.get('ts'), 'value': p.get('value')})
                for p in (data if isinstance(data, list) else [data]) if isinstance(p, dict)]
        try:
            out = user_fn(data, ctx)
        except MemoryError as e:
            return fail(e, 'MemoryError')
        except BaseException as e:
            return fail(e)
        try:
            reply = {'p': out, 'l': log.lines}
            if state.dirty:
                reply['s'] = state._d
            text = _json.dumps(reply, allow_nan=False)
        except MemoryError as e:
            return fail(e, 'MemoryError')
        except BaseException as e:
            return _json.dumps({'e': {'name': 'OutputError', 'message': 'the result cannot be serialised as JSON: ' + str(e)}, 'l': log.lines})
        if len(text) > max_bytes:
            return _json.dumps({'e': {'name': 'OutputLimit', 'message': 'output of %d bytes exceeds the limit of %d' % (len(text), max_bytes)}, 'l': []})
        prev.update(seen)
        return text

    return call
`;
