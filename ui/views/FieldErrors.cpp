#include "FieldErrors.h"

#include "views/FieldErrorLabel.h"

#include <QCoreApplication>
#include <QFormLayout>
#include <QHash>
#include <QRegularExpression>

namespace portico {

namespace {

// The part of `path` below the entity at `prefix` ("name" in "routes[4].name"); a null string
// when the path is not below it.
QString belowPrefix(const QString &path, const QString &prefix)
{
    if (prefix.isEmpty())
        return path;
    if (prefix.endsWith(QStringLiteral("[]"))) {
        const QString list = prefix.chopped(1); // "plans[", then an index and "]."
        const qsizetype close = path.indexOf(QStringLiteral("]."), list.size());
        bool isIndex = false;
        if (path.startsWith(list) && close > list.size())
            path.sliced(list.size(), close - list.size()).toUInt(&isIndex);
        return isIndex ? path.sliced(close + 2) : QString();
    }
    const QString head = prefix + u'.';
    return path.startsWith(head) ? path.sliced(head.size()) : QString();
}

} // namespace

FieldErrors::FieldErrors(FieldErrorLabel *general)
    : m_general(general)
{
}

void FieldErrors::addField(const QString &path, FieldErrorLabel *label, Describer describe)
{
    m_fields.push_back({path, label, std::move(describe)});
}

void FieldErrors::addRow(QFormLayout *form, const QString &title, QWidget *field,
                         const QString &path)
{
    auto *label = new FieldErrorLabel(QStringLiteral("error:") + path);
    form->addRow(title, field);
    form->addRow(QString(), label);
    addField(path, label);
}

ConfigErrors FieldErrors::show(const ConfigErrors &errors, const QString &prefix)
{
    // What follows a field's path: "[1]", "[1].url", ".second".
    static const QRegularExpression tail(QStringLiteral(R"(^(?:\[(\d+)\])?(?:\.(.*))?$)"));
    QHash<FieldErrorLabel *, QStringList> texts;
    ConfigErrors unclaimed;
    QStringList general;
    for (const ConfigError &error : errors) {
        const QString path = belowPrefix(error.path, prefix);
        const Field *claimed = nullptr;
        QRegularExpressionMatch m;
        for (const Field &field : m_fields) {
            if (!path.startsWith(field.path))
                continue;
            m = tail.match(QStringView(path).sliced(field.path.size()));
            if (m.hasMatch()) {
                claimed = &field;
                break;
            }
        }
        if (!claimed) {
            unclaimed.push_back(error);
            general.append(error.path == prefix || error.path.isEmpty() ? error.message
                                                                         : error.toString());
            continue;
        }
        const int index = m.captured(1).isEmpty() ? -1 : m.captured(1).toInt();
        texts[claimed->label].append(claimed->describe
                                         ? claimed->describe(index, m.captured(2), error.message)
                                         : error.message);
    }
    for (const Field &field : m_fields)
        field.label->setMessage(texts.value(field.label).join(u'\n'));
    if (m_general)
        m_general->setMessage(general.join(u'\n'));
    return unclaimed;
}

void FieldErrors::clear()
{
    show({});
}

bool FieldErrors::hasMessages() const
{
    if (m_general && m_general->hasMessage())
        return true;
    for (const Field &field : m_fields) {
        if (field.label->hasMessage())
            return true;
    }
    return false;
}

QString FieldErrors::messageFor(const QString &path) const
{
    for (const Field &field : m_fields) {
        if (field.path == path)
            return field.label->text();
    }
    return {};
}

QString describeNameError(int, const QString &, const QString &message)
{
    return message == QLatin1String("missing")
        ? QCoreApplication::translate("FieldErrors", "A name is required.")
        : message;
}

} // namespace portico
