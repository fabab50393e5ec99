#pragma once

#include "config/Config.h"

#include <QObject>

#include <vector>

class QFormLayout;
class QLabel;
class QWidget;

namespace portico {

// Shows validation errors next to the fields they concern. Each field is registered with the
// configuration path its errors carry ("settings.listen"); show() puts each error's message in
// a small label under its field and returns the errors that matched no field, for a general
// line.
class FieldErrors : public QObject
{
    Q_OBJECT
public:
    explicit FieldErrors(QObject *parent = nullptr);

    // Adds `field` to `form` under `label`, with an error line below it (hidden while empty).
    void addRow(QFormLayout *form, const QString &label, QWidget *field, const QString &path);
    // An error line for a path whose field is laid out elsewhere.
    QLabel *errorLabel(const QString &path);

    ConfigErrors show(const ConfigErrors &errors);
    void clear();
    // The message shown for `path` (empty when none), for tests.
    QString messageFor(const QString &path) const;

private:
    struct Field
    {
        QString path;
        QLabel *label;
    };
    QLabel *makeLabel(const QString &path);
    std::vector<Field> m_fields;
};

} // namespace portico
