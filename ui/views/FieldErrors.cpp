#include "FieldErrors.h"

#include <QFormLayout>
#include <QLabel>

namespace portico {

FieldErrors::FieldErrors(QObject *parent)
    : QObject(parent)
{
}

QLabel *FieldErrors::makeLabel(const QString &path)
{
    auto *label = new QLabel;
    label->setObjectName(QStringLiteral("error:") + path);
    label->setWordWrap(true);
    // The one fixed colour: an error reads as one in both themes.
    label->setStyleSheet(QStringLiteral("color: #d0453a;"));
    QFont small = label->font();
    small.setPointSizeF(small.pointSizeF() * 0.92);
    label->setFont(small);
    label->hide();
    m_fields.push_back({path, label});
    return label;
}

void FieldErrors::addRow(QFormLayout *form, const QString &label, QWidget *field,
                         const QString &path)
{
    form->addRow(label, field);
    form->addRow(QString(), makeLabel(path));
}

QLabel *FieldErrors::errorLabel(const QString &path)
{
    return makeLabel(path);
}

ConfigErrors FieldErrors::show(const ConfigErrors &errors)
{
    ConfigErrors unmatched;
    std::vector<QStringList> messages(m_fields.size());
    for (const ConfigError &e : errors) {
        bool matched = false;
        for (size_t i = 0; i < m_fields.size(); ++i) {
            // "settings.listen" matches itself and "settings.listen[...]" / ".sub" below it.
            const QString &path = m_fields[i].path;
            if (e.path == path
                || (e.path.startsWith(path)
                    && (e.path[path.size()] == u'.' || e.path[path.size()] == u'['))) {
                messages[i].append(e.message);
                matched = true;
                break;
            }
        }
        if (!matched)
            unmatched.push_back(e);
    }
    for (size_t i = 0; i < m_fields.size(); ++i) {
        m_fields[i].label->setText(messages[i].join(u'\n'));
        m_fields[i].label->setVisible(!messages[i].isEmpty());
    }
    return unmatched;
}

void FieldErrors::clear()
{
    show({});
}

QString FieldErrors::messageFor(const QString &path) const
{
    for (const Field &f : m_fields) {
        if (f.path == path)
            return f.label->text();
    }
    return {};
}

} // namespace portico
