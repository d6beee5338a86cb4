// Types of scripts/rooms.mjs for the TypeScript test that imports it.
export const LEVELS: string[][];
export function roomOf(file: string): string | undefined;
export function refusal(from: string, to: string | undefined): string | undefined;
export function importsOf(text: string): string[];
export function check(root: string): { file: string; line: number; what: string }[];
