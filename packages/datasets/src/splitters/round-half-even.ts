/**
 * Python 3's `round(x)`: halves go to the even neighbour (`round(2.5) == 2`, `round(3.5) == 4`).
 * The stratified splitter must round like this to give the same per-user train sizes as Microsoft Recommenders.
 */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction < 0.5) return floor;
  if (fraction > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}
