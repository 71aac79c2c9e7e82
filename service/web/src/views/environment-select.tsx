/** The environment picker in a view's heading; with `allLabel`, a first choice (value "") stands for every environment. */
export function EnvironmentSelect({
  value,
  environments,
  onSelect,
  allLabel,
}: {
  value: string;
  environments: string[];
  onSelect: (environment: string) => void;
  allLabel?: string;
}) {
  return (
    <label>
      Environment{" "}
      <select value={value} onChange={(e) => onSelect((e.target as HTMLSelectElement).value)}>
        {allLabel !== undefined && <option value="">{allLabel}</option>}
        {environments.map((env) => (
          <option key={env} value={env}>
            {env}
          </option>
        ))}
      </select>
    </label>
  );
}
