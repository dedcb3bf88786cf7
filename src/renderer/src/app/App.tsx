export function App() {
  return (
    <main>
      <h1>Vigia</h1>
      <p>The dashboard arrives with issue #4. Meanwhile: vigia metrics.</p>
    </main>
  )
}
