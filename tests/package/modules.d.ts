// The plugin's package.json "exports" hides its own .d.ts from TypeScript: its one export, typed here.
declare module '@web/rollup-plugin-import-meta-assets' {
  export function importMetaAssets(): import('rollup').Plugin;
}
