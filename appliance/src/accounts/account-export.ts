/**
 * "Export my data": each capability that keeps data about a user adds a section, so the export
 * grows with the product without this module knowing about jobs or media.
 */
export type ExportSection = (userId: number) => unknown;

export class AccountExport {
  private readonly sections = new Map<string, ExportSection>();

  add(name: string, section: ExportSection): void {
    if (this.sections.has(name)) throw new Error(`export section "${name}" added twice`);
    this.sections.set(name, section);
  }

  collect(userId: number): Record<string, unknown> {
    return Object.fromEntries([...this.sections].map(([name, section]) => [name, section(userId)]));
  }
}
