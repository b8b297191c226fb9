/**
 * How fast this machine's cores are right now: ms for a fixed single-threaded loop, best of 3 (lower is faster). On a
 * shared VM it changes by a quarter or more from hour to hour; benches print it before and after their run.
 */
export function speedIndexMs(): number {
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    let x = 0;
    for (let i = 0; i < 1e8; i++) x += i % 7;
    if (x < 0) console.log(x); // keeps the loop
    best = Math.min(best, performance.now() - t);
  }
  return +best.toFixed(0);
}
