// Vite's `?url` and `?raw` imports (https://vite.dev/guide/assets): a `?url`
// file is copied into the build and the import is its URL; a `?raw` file's
// text is bundled. The type check (tsc -p web) runs without vite/client's
// types, so the forms the pages use are declared here.
declare module '*.wasm?url' {
  const url: string;
  export default url;
}
declare module '*.json?raw' {
  const text: string;
  export default text;
}
