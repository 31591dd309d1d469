import { PLACEHOLDERS } from './placeholders'

/** What a template may use, next to the editor. */
export function PlaceholderHelp() {
  return (
    <section className="card" aria-labelledby="placeholders-heading">
      <h2 id="placeholders-heading">Placeholders</h2>
      <p>
        Write a placeholder as <code>{'{{ client_first_name }}'}</code>. Lists go in{' '}
        <code>{'{% for … %}…{% endfor %}'}</code>, optional parts in <code>{'{% if … %}…{% endif %}'}</code>. Simple
        filters work too, such as <code>{'{{ client_name | upper }}'}</code>.
      </p>
      <dl className="placeholders">
        {PLACEHOLDERS.map((placeholder) => (
          <div key={placeholder.name}>
            <dt>
              <code>{placeholder.name}</code>
            </dt>
            <dd>
              {placeholder.meaning}
              {placeholder.usage && <pre>{placeholder.usage}</pre>}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  )
}
