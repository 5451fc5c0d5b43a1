/** Runs a script body and turns its errors into one stderr line and a non-zero exit status. */
import { ScoreScriptError } from './errors.js';

export function runCli(main: () => void): void {
  try {
    main();
  } catch (err) {
    if (err instanceof ScoreScriptError) {
      console.error(`error [${err.code}]: ${err.message}`);
      process.exitCode = 2;
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    console.error(`error: ${message}`);
    process.exitCode = 1;
  }
}
