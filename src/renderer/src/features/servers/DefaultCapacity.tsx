/** A server missing from the inventory is measured against the default limits: say so where it shows. */
export function DefaultCapacity() {
  return (
    <span
      className="srv-badge"
      data-testid="default-capacity"
      title="Not in the server inventory: its maximum connections and capacity are the default settings"
    >
      default capacity
    </span>
  )
}
