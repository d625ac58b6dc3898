/** A benchmark's options on its command line, each as `--name=value`. */

/** Whether `--name=...` was given. */
export const hasArg = (name: string): boolean =>
  process.argv.some((a) => a.startsWith(`--${name}=`));

/** The number given as `--name=<number>`, or `fallback`. */
export const arg = (name: string, fallback: number): number =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
