/** Vite bundles a `?worker` import as its own chunk, served from 'self' (the CSP's script-src covers workers). */
declare module '*?worker' {
  const WorkerConstructor: new () => Worker;
  export default WorkerConstructor;
}
