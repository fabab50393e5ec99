#include "FieldMessage.h"

namespace portico {

FieldMessage::FieldMessage(QWidget *parent)
    : QLabel(parent)
{
    setWordWrap(true);
    setTextFormat(Qt::PlainText);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A status colour: the same red reads on light and dark window colours.
    QPalette p = palette();
    p.setColor(QPalette::WindowText, QColor(0xd0, 0x43, 0x35));
    setPalette(p);
    hide();
}

void FieldMessage::setMessage(const QString &message)
{
    setText(message);
    setVisible(!message.isEmpty());
}

void FieldMessage::addMessage(const QString &message)
{
    setMessage(text().isEmpty() ? message : text() + u'\n' + message);
}

} // namespace portico
