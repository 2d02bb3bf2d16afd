import type { Device } from '@outpost/storage/hub/index';
import type { RegistryVersion } from './repo.js';

/** Platforms onnxruntime-node ships CPU binaries for (its bin folders per platform and architecture). */
const ONNX_PLATFORMS = new Set(['linux/x64', 'linux/arm64', 'darwin/x64', 'darwin/arm64', 'win32/x64', 'win32/arm64']);

/** A loaded ONNX model takes about twice its file size in memory (weights plus the runtime's arena). */
export const MEMORY_FACTOR = 2;

/**
 * Why a model version cannot run on a device, from the device's last heartbeat (empty when it
 * can): free storage for the file, free memory to load it, and for ONNX an installed runtime on
 * a supported OS and CPU architecture. A device that never reported these figures is refused
 * with that reason rather than sent a model blind.
 */
export function compatibilityProblems(v: RegistryVersion, d: Device): string[] {
  const hb = (d.lastHeartbeat ?? {}) as { system?: { diskFreeBytes?: number; memFreeBytes?: number }; versions?: Record<string, string> };
  const out: string[] = [];
  const disk = hb.system?.diskFreeBytes;
  const mem = hb.system?.memFreeBytes;
  if (disk === undefined) out.push('its heartbeats report no free storage (diskFreeBytes)');
  else if (v.sizeBytes > disk) out.push(`the model file is ${v.sizeBytes} bytes and the device has ${disk} bytes of free storage`);
  if (mem === undefined) out.push('its heartbeats report no free memory (memFreeBytes)');
  else if (v.sizeBytes * MEMORY_FACTOR > mem) out.push(`loading the model needs about ${v.sizeBytes * MEMORY_FACTOR} bytes of memory and the device has ${mem} free`);
  if (v.format === 'onnx') {
    const versions = hb.versions ?? {};
    if (!versions.onnxruntime) out.push('no ONNX runtime (onnxruntime-node) is installed on the gateway');
    const platform = `${versions.platform ?? '?'}/${versions.arch ?? '?'}`;
    if (!ONNX_PLATFORMS.has(platform)) out.push(`its platform ${platform} has no onnxruntime-node CPU binary (supported: ${[...ONNX_PLATFORMS].join(', ')})`);
  }
  return out;
}
