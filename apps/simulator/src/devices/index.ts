import { createEnergyMeter, type EnergyMeterOptions } from './energy-meter.js';
import { createGpsTracker, type GpsTrackerOptions } from './gps-tracker.js';
import { createPump, type PumpOptions } from './pump.js';
import { createSolarInverter, type SolarInverterOptions } from './solar-inverter.js';
import type { DeviceKind, DeviceModel } from './types.js';

export type { DeviceKind, DeviceModel, MetricDef, MetricValue, PhysicalFaults } from './types.js';
export type { EnergyMeterOptions, GpsTrackerOptions, PumpOptions, SolarInverterOptions };

/** The one list of simulated device kinds. */
export const DEVICE_MODELS: Record<DeviceKind, (options: Record<string, unknown>) => DeviceModel> = {
  solar_inverter: (o) => createSolarInverter(o as SolarInverterOptions),
  energy_meter: (o) => createEnergyMeter(o as EnergyMeterOptions),
  pump: (o) => createPump(o as PumpOptions),
  gps_tracker: (o) => createGpsTracker(o as GpsTrackerOptions),
};

export const DEVICE_KINDS = Object.keys(DEVICE_MODELS) as DeviceKind[];
