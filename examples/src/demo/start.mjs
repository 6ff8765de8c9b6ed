/**
 * `npm start` (and `npm run dev` with `--no-tour`). Plain JavaScript, so that an old Node gets this
 * far and is told what to do; only then is the TypeScript stack loaded, which needs Node 22.
 */
const [major] = process.versions.node.split(".").map(Number);
if ((major ?? 0) < 22) {
  console.error(
    `Node ${process.version} is too old: the Restate SDK and the AI SDK need Node 22 or newer.\n` +
      "Run `npm start` (npm scripts use the Node 22 that `npm install` put in node_modules/.bin), or install Node 22.",
  );
  process.exit(1);
}
await import("./main.ts");
