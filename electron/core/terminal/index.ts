export { TerminalSet, type TerminalHost, type TerminalSink } from './terminals.ts';
