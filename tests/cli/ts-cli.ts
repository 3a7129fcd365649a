// The glassgpt CLI from the TypeScript sources, as a real process (for signals and kills, which an
// in-process run cannot receive): node --import tsx tests/cli/ts-cli.ts <command> …
import { main } from '../../ts/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
