/** The baseline's only activity: it does nothing, so what it costs is Temporal's scheduling and the round trips. */
export async function noop(): Promise<void> {
  // Deliberately empty.
}
