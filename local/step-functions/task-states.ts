export interface TaskStateLike {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
}
export interface StatesContainer {
  States: Record<string, unknown>;
}

/** Visits every Task state, including those inside Parallel branches and Map processors. */
export function forEachTaskState(container: StatesContainer, visit: (name: string, state: TaskStateLike) => void): void {
  for (const [name, value] of Object.entries(container.States)) {
    const state = value as TaskStateLike & {
      Branches?: StatesContainer[];
      Iterator?: StatesContainer;
      ItemProcessor?: StatesContainer;
    };
    if (state.Type === 'Task') visit(name, state);
    for (const branch of state.Branches ?? []) forEachTaskState(branch, visit);
    if (state.Iterator) forEachTaskState(state.Iterator, visit);
    if (state.ItemProcessor) forEachTaskState(state.ItemProcessor, visit);
  }
}
