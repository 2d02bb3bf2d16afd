/**
 * A string inverter with its PV strings, physically consistent:
 * - irradiance follows a diurnal clear-sky curve (day length varies with the season) under
 *   drifting cloud cover;
 * - module temperature rises with irradiance; string voltage falls with module temperature
 *   (-0.35 %/K) and string current scales with irradiance;
 * - AC power = efficiency(load) x DC power, clipped at the rating and derated linearly above
 *   60 degC heatsink temperature; when clipping or derating the inverter leaves the maximum power
 *   point, so the string currents fall with it and AC = efficiency x V x sum(I) always holds;
 * - heatsink temperature follows ambient + load heating (+ a fan-failure fault) with a lag.
 */
import { clamp, ouStep, type Rng } from '../prng.js';
import type { DeviceModel, MetricDef, MetricValue, PhysicalFaults } from './types.js';

export interface SolarInverterOptions {
  strings?: number;
  modulesPerString?: number;
  ratedKw?: number;
  /** Local solar time = UTC + this; defaults to 0 (a site on the Greenwich meridian). */
  utcOffsetHours?: number;
}

const MODULE_VMP_STC = 31.5; // V per module at the maximum power point, 25 degC
const STRING_IMP_STC = 9.6; // A per string at 1000 W/m2
const DERATE_START_C = 60;
const DERATE_SPAN_C = 20; // zero output at 80 degC
const THERMAL_TAU_S = 600;

export function efficiency(pDcKw: number, ratedKw: number): number {
  return 0.975 * (1 - Math.exp(-pDcKw / (0.04 * ratedKw)));
}

/** Clear-sky irradiance in W/m2 at local solar hour `h` on day-of-year `doy` (mid-latitude). */
export function clearSkyIrradiance(h: number, doy: number): number {
  const dayLength = 12 + 3.5 * Math.sin((2 * Math.PI * (doy - 80)) / 365);
  const sunrise = 12 - dayLength / 2;
  if (h <= sunrise || h >= sunrise + dayLength) return 0;
  const elevation = Math.sin((Math.PI * (h - sunrise)) / dayLength);
  const peak = 850 + 150 * Math.sin((2 * Math.PI * (doy - 80)) / 365);
  return peak * elevation ** 1.3;
}

export function createSolarInverter(opts: SolarInverterOptions = {}): DeviceModel {
  const strings = opts.strings ?? 4;
  const modules = opts.modulesPerString ?? 18;
  const ratedKw = opts.ratedKw ?? 20;
  const utcOffset = opts.utcOffsetHours ?? 0;
  const metrics: MetricDef[] = [
    { name: 'active_power', unit: 'kW', nominal: ratedKw, modbus: { function: 'holding', type: 'float32' } },
    { name: 'dc_power', unit: 'kW', nominal: ratedKw, modbus: { function: 'holding', type: 'float32' } },
    { name: 'dc_voltage', unit: 'V', nominal: modules * MODULE_VMP_STC, modbus: { function: 'holding', type: 'uint16', scale: 0.1 } },
    ...Array.from({ length: strings }, (_, i): MetricDef => ({ name: `string_current_${i + 1}`, unit: 'A', nominal: STRING_IMP_STC, modbus: { function: 'holding', type: 'uint16', scale: 0.01 } })),
    { name: 'temperature', unit: 'degC', nominal: 45, modbus: { function: 'holding', type: 'int16', scale: 0.1 } },
    { name: 'module_temperature', unit: 'degC', nominal: 45, modbus: { function: 'holding', type: 'int16', scale: 0.1 } },
    { name: 'ambient_temperature', unit: 'degC', nominal: 20, modbus: { function: 'holding', type: 'int16', scale: 0.1 } },
    { name: 'irradiance', unit: 'W/m2', nominal: 1000, modbus: { function: 'holding', type: 'uint16' } },
    { name: 'derating', nominal: 1, modbus: { function: 'discrete', type: 'bool' } },
  ];
  let cloud = 0.2;
  let heatsink: number | undefined;
  let mismatch: number[] | undefined;

  return {
    kind: 'solar_inverter',
    metrics,
    defaultFaultMetric: 'active_power',
    step(t: number, dtMs: number, faults: PhysicalFaults, rng: Rng): Record<string, MetricValue> {
      // Each string's modules differ a little from the datasheet, fixed for the device's life.
      mismatch ??= Array.from({ length: strings }, () => rng.uniform(0.97, 1.01));
      const hour = (((t / 3_600_000 + utcOffset) % 24) + 24) % 24;
      const doy = Math.floor(t / 86_400_000) % 365;
      cloud = clamp(ouStep(cloud, 0.25, 1 / 900, 0.02, dtMs, rng), 0, 1);
      const irradiance = clearSkyIrradiance(hour, doy) * (1 - 0.75 * cloud);
      const ambient = 14 + 7 * Math.sin((2 * Math.PI * (hour - 9)) / 24);
      const moduleT = ambient + 0.03 * irradiance;

      const awake = irradiance > 5;
      const vmp = awake ? modules * MODULE_VMP_STC * (1 - 0.0035 * (moduleT - 25)) * (1 + 0.05 * Math.log10(irradiance / 1000)) : 0;
      let currents = mismatch.map((m, i) => {
        const healthy = awake ? STRING_IMP_STC * (irradiance / 1000) * (1 + 0.0005 * (moduleT - 25)) * m : 0;
        return Math.max(0, healthy * (faults.strings.get(i + 1) ?? 1) * (1 + rng.normal(0, 0.003)));
      });
      const pDcMpp = (vmp * currents.reduce((a, b) => a + b, 0)) / 1000;

      const prev = heatsink ?? ambient;
      const limitKw = ratedKw * clamp(1 - (prev - DERATE_START_C) / DERATE_SPAN_C, 0, 1);
      const eta = efficiency(pDcMpp, ratedKw);
      const pAcMpp = eta * pDcMpp;
      const pAc = Math.min(pAcMpp, ratedKw, limitKw);
      if (pAc < pAcMpp && pAcMpp > 0) {
        // Off the maximum power point: the strings deliver only what the AC side can take.
        const k = pAc / pAcMpp;
        currents = currents.map((c) => c * k);
      }
      const pDc = (vmp * currents.reduce((a, b) => a + b, 0)) / 1000;
      const healthyTarget = ambient + 25 * (pAc / ratedKw);
      const target = healthyTarget + faults.overTemperature;
      // Starts in the healthy steady state; a fault then heats it with the thermal lag.
      heatsink = heatsink === undefined ? healthyTarget : prev + (target - prev) * (1 - Math.exp(-dtMs / 1000 / THERMAL_TAU_S));

      const out: Record<string, MetricValue> = {
        active_power: pAc,
        dc_power: pDc,
        dc_voltage: vmp,
        temperature: heatsink,
        module_temperature: moduleT,
        ambient_temperature: ambient,
        irradiance,
        derating: limitKw < Math.min(pAcMpp, ratedKw),
      };
      currents.forEach((c, i) => { out[`string_current_${i + 1}`] = c; });
      return out;
    },
  };
}
