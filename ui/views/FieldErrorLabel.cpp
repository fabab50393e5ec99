#include "FieldErrorLabel.h"

#include "views/StatusColors.h"

#include <QVBoxLayout>

namespace portico {

FieldErrorLabel::FieldErrorLabel(const QString &objectName, QWidget *parent)
    : QLabel(parent)
{
    setObjectName(objectName);
    setWordWrap(true);
    setTextFormat(Qt::PlainText);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setTextColor(this, errorColor(palette()));
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.92);
    setFont(small);
    hide();
}

void FieldErrorLabel::setMessage(const QString &message)
{
    setText(message);
    setVisible(!message.isEmpty());
}

void FieldErrorLabel::addMessage(const QString &message)
{
    setMessage(text().isEmpty() ? message : text() + u'\n' + message);
}

QWidget *withErrorLabel(QWidget *field, QLabel *error, QLabel *hint)
{
    auto *box = new QWidget;
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(field);
    layout->addWidget(error);
    if (hint) {
        hint->setForegroundRole(QPalette::PlaceholderText);
        hint->setWordWrap(true);
        layout->addWidget(hint);
    }
    return box;
}

} // namespace portico
