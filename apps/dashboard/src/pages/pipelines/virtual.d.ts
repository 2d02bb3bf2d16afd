// Generated at build time from the operator registry (build/operator-catalogue.ts).
declare module 'virtual:outpost-operators' {
  const kinds: unknown[];
  export default kinds;
}
