#pragma once

#include <QLabel>

namespace portico {

// A validation message shown right under the field it is about; hidden while there is none.
class FieldMessage : public QLabel
{
    Q_OBJECT
public:
    explicit FieldMessage(QWidget *parent = nullptr);

    void setMessage(const QString &message);
    // Adds a line (several store errors can name one field).
    void addMessage(const QString &message);
    bool hasMessage() const { return !text().isEmpty(); }
};

} // namespace portico
