#pragma once

#include "config/Config.h"

#include <QHash>
#include <QString>

#include <functional>

class QLabel;

namespace portico {

// Puts a configuration's validation errors next to the fields of an editor. The validator names
// fields by path ("routes[4].paths[1]", "services[0].targets[1].url"); below the edited entity's
// prefix, the first part ("paths") picks the label, and the index and the rest ("url") are given
// to the field's describer to say which line or row is meant. Errors no field claims (another
// entity's, a cross-check) go to the general label.
class FieldErrorMap
{
public:
    // Says which part of a field an error concerns: index -1 when the path has none, `rest` is
    // what follows ("url" in targets[1].url).
    using Describer =
        std::function<QString(int index, const QString &rest, const QString &message)>;

    explicit FieldErrorMap(QLabel *general);

    void addField(const QString &field, QLabel *label, Describer describe = {});
    // Shows the errors of the entity at `prefix` ("routes[4]"); returns how many there were.
    int show(const ConfigErrors &errors, const QString &prefix);
    void clear();
    // The label for a field's errors: wrapped, in the error colour, hidden while empty.
    static QLabel *makeLabel(const QString &objectName);
    static void setLabelText(QLabel *label, const QString &text);

private:
    struct Field
    {
        QLabel *label = nullptr;
        Describer describe;
    };
    QLabel *m_general;
    QHash<QString, Field> m_fields;
};

} // namespace portico
