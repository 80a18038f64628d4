// What `LazySlotPicker` loads: imported by it alone, so the bundler gives the slot picker a chunk
// of its own instead of placing it in the app's entry, which reaches `SlotPicker.tsx` through
// `index.ts` (for the console).
export { SlotPicker } from './SlotPicker';
