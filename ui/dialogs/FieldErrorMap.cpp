#include "FieldErrorMap.h"

#include "views/StatusColors.h"

#include <QLabel>
#include <QRegularExpression>

namespace portico {

FieldErrorMap::FieldErrorMap(QLabel *general)
    : m_general(general)
{
}

void FieldErrorMap::addField(const QString &field, QLabel *label, Describer describe)
{
    m_fields.insert(field, Field{label, std::move(describe)});
}

int FieldErrorMap::show(const ConfigErrors &errors, const QString &prefix)
{
    // "paths[1]", "rate_limit.second", "targets[0].url", "name"
    static const QRegularExpression part(QStringLiteral(R"(^([a-z_]+)(?:\[(\d+)\])?(?:\.(.*))?$)"));
    QHash<QLabel *, QStringList> texts;
    QStringList general;
    for (const ConfigError &error : errors) {
        const QString head = prefix + u'.';
        const QRegularExpressionMatch m = error.path.startsWith(head)
            ? part.match(QStringView(error.path).sliced(head.size()))
            : QRegularExpressionMatch();
        const auto field = m.hasMatch() ? m_fields.constFind(m.captured(1)) : m_fields.cend();
        if (field == m_fields.cend()) {
            general.append(error.path == prefix || error.path.isEmpty() ? error.message
                                                                         : error.toString());
            continue;
        }
        const int index = m.captured(2).isEmpty() ? -1 : m.captured(2).toInt();
        const QString rest = m.captured(3);
        QString text = error.message;
        if (field->describe)
            text = field->describe(index, rest, error.message);
        else if (!rest.isEmpty())
            text = rest + QStringLiteral(": ") + error.message;
        texts[field->label].append(text);
    }
    for (const Field &field : std::as_const(m_fields))
        setLabelText(field.label, texts.value(field.label).join(u'\n'));
    setLabelText(m_general, general.join(u'\n'));
    return int(errors.size());
}

void FieldErrorMap::clear()
{
    show({}, QString());
}

QLabel *FieldErrorMap::makeLabel(const QString &objectName)
{
    auto *label = new QLabel;
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    QPalette p = label->palette();
    p.setColor(QPalette::WindowText, errorColor(p));
    label->setPalette(p);
    QFont f = label->font();
    f.setPointSizeF(f.pointSizeF() * 0.92);
    label->setFont(f);
    label->hide();
    return label;
}

void FieldErrorMap::setLabelText(QLabel *label, const QString &text)
{
    if (!label)
        return;
    label->setText(text);
    label->setVisible(!text.isEmpty());
}

} // namespace portico
