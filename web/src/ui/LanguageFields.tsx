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

/** The conversation's language, and the language to interpret when an interpreter is needed. */
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
            onChange({ language: event.target.value });
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
              onChange({ needsInterpreter: event.target.checked });
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
