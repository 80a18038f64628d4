import { useId } from 'react';
import { Field, type FieldWiring } from './forms';
import { LanguageOptions } from './LanguageOptions';

export interface LanguageChoice {
  language: string;
  needsInterpreter: boolean;
  interpreterLanguage: string;
}

interface LanguageFieldsProps {
  value: LanguageChoice;
  onChange: (change: Partial<LanguageChoice>) => void;
  /** The form's field errors: the interpreter's language is required once asked for. */
  fields: FieldWiring<'interpreterLanguage'>;
  labels: { language: string; needInterpreter: string; interpreterLanguage: string; choose: string };
}

/**
 * The conversation's language, and the language to interpret when an interpreter is needed. Asking
 * for an interpreter starts from the conversation's language when that is not German (issue 13:
 * it started at "Bitte wählen" although the person had just picked Turkish).
 */
export function LanguageFields({ value, onChange, fields, labels }: LanguageFieldsProps) {
  const id = useId();
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-language`}>{labels.language}</label>
        <select
          id={`${id}-language`}
          value={value.language}
          onChange={(event) => {
            const language = event.target.value;
            const follows = value.interpreterLanguage === '' || value.interpreterLanguage === value.language;
            onChange(
              value.needsInterpreter && follows
                ? { language, interpreterLanguage: language === 'de' ? '' : language }
                : { language },
            );
          }}
        >
          <LanguageOptions />
        </select>
      </div>

      <div className="field">
        <label className="choice">
          <input
            type="checkbox"
            checked={value.needsInterpreter}
            onChange={(event) => {
              const needed = event.target.checked;
              onChange(
                needed && !value.interpreterLanguage && value.language !== 'de'
                  ? { needsInterpreter: needed, interpreterLanguage: value.language }
                  : { needsInterpreter: needed },
              );
            }}
          />
          {labels.needInterpreter}
        </label>
      </div>
      {value.needsInterpreter && (
        <Field fields={fields} field="interpreterLanguage" label={labels.interpreterLanguage} nested>
          {(control) => (
            <select
              {...control}
              value={value.interpreterLanguage}
              onChange={(event) => {
                onChange({ interpreterLanguage: event.target.value });
              }}
            >
              <option value="">{labels.choose}</option>
              <LanguageOptions />
            </select>
          )}
        </Field>
      )}
    </>
  );
}
