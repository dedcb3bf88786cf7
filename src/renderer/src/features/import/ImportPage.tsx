// #/import: bring log files into Vigia, follow each import, and see what was quarantined and why.
import { ActiveImports } from './ActiveImports'
import { FinishedImports } from './FinishedImports'
import { ImportHistoryTable } from './ImportHistoryTable'
import { ImportSource } from './ImportSource'
import { QuarantinePanel } from './QuarantinePanel'
import './import.css'

export function ImportPage() {
  return (
    <div className="import-page" data-testid="import-page">
      <div className="grid">
        <ImportSource />
        <ActiveImports />
      </div>
      <FinishedImports />
      <ImportHistoryTable />
      <QuarantinePanel />
    </div>
  )
}
