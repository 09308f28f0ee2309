// Growing typed-array columns: a copy with more room, the old contents first (the parsers'
// helper, formats/growable.ts, shared by the analyses).

export { grown } from '../formats/growable.js';
