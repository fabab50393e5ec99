#pragma once

#include "config/Config.h"

#include <QString>

#include <functional>
#include <vector>

class QFormLayout;
class QWidget;

namespace portico {

class FieldErrorLabel;

// Puts validation errors next to the fields they concern. The validator names fields by path
// ("settings.listen", "routes[4].paths[1]", "plans[0].limits.minute"); each field is registered
// with its path below the edited entity's prefix and claims the errors at that path and below
// it. A field's describer can say which line or row is meant. Errors no field claims (another
// entity's, a cross-check) go to the general label, when there is one, and are returned.
class FieldErrors
{
public:
    // Words an error: index -1 when the path has none after the field ("paths[1]" has 1),
    // `rest` is what follows ("url" in "targets[1].url").
    using Describer =
        std::function<QString(int index, const QString &rest, const QString &message)>;

    explicit FieldErrors(FieldErrorLabel *general = nullptr);

    // Several fields may share one label.
    void addField(const QString &path, FieldErrorLabel *label, Describer describe = {});
    // Adds `field` to `form` under `title` with an error line below it, named "error:<path>".
    void addRow(QFormLayout *form, const QString &title, QWidget *field, const QString &path);

    // Shows `errors` of the entity at `prefix` ("routes[4]"; "plans[]": any plan, for editors
    // that check a lone copy but hear back from the store; empty: paths are whole).
    ConfigErrors show(const ConfigErrors &errors, const QString &prefix = QString());
    void clear();

    // True while any label, the general one too, shows a message.
    bool hasMessages() const;
    // The message shown for the field at `path` (empty when none), for tests.
    QString messageFor(const QString &path) const;

private:
    struct Field
    {
        QString path;
        FieldErrorLabel *label;
        Describer describe;
    };
    FieldErrorLabel *m_general;
    std::vector<Field> m_fields;
};

// A describer for name fields: the validator's "missing" said as a person would.
QString describeNameError(int index, const QString &rest, const QString &message);

} // namespace portico
