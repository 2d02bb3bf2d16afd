export * from './net.js';
export * from './wait.js';
export * from './tmp.js';
