import type { Command } from "commander";
import type { CommandContext } from "../actions/context";

/** A command file's one export: adds its command (flags and help) to the program; its action does the work. */
export type RegisterCommand = (program: Command, context: CommandContext) => void;
