#pragma once

#include <QLabel>

namespace portico {

// A validation message under the field it is about: wrapped, smaller, in the error colour and
// hidden while there is none.
class FieldErrorLabel : public QLabel
{
    Q_OBJECT
public:
    explicit FieldErrorLabel(const QString &objectName = QString(), QWidget *parent = nullptr);

    void setMessage(const QString &message);
    // Adds a line (several errors can name one field).
    void addMessage(const QString &message);
    bool hasMessage() const { return !text().isEmpty(); }
};

// `field` with `error` right under it (and an optional greyed `hint`), for one form row.
QWidget *withErrorLabel(QWidget *field, QLabel *error, QLabel *hint = nullptr);

} // namespace portico
