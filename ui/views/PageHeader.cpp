#include "PageHeader.h"

#include "ControlRoom.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

namespace portico {

PageHeader::PageHeader(const QString &title, const QString &description, QWidget *parent)
    : QWidget(parent)
    , m_description(new QLabel(description))
    , m_actions(new QHBoxLayout)
{
    auto *titleLabel = new QLabel(title);
    titleLabel->setObjectName(QStringLiteral("pageTitle"));
    QFont f = titleLabel->font();
    f.setPointSizeF(f.pointSizeF() * 1.45);
    f.setWeight(QFont::DemiBold);
    titleLabel->setFont(f);
    m_description->setWordWrap(true);
    m_description->setForegroundRole(QPalette::PlaceholderText);

    auto *text = new QVBoxLayout;
    text->setSpacing(2);
    text->addWidget(titleLabel);
    text->addWidget(m_description);

    m_actions->setSpacing(6);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 4);
    layout->addLayout(text, 1);
    layout->addLayout(m_actions);
}

void PageHeader::addAction(QAction *action)
{
    auto *button = new QToolButton;
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    button->setAutoRaise(false);
    m_actions->addWidget(button);
}

void PageHeader::addWidget(QWidget *widget)
{
    m_actions->addWidget(widget);
}

void PageHeader::setDescription(const QString &description)
{
    m_description->setText(description);
}

QLabel *sectionTitle(const QString &text)
{
    auto *label = new QLabel(text);
    QFont font = label->font();
    font.setWeight(QFont::DemiBold);
    label->setFont(font);
    return label;
}

QAction *pageAction(QWidget *page, const char *icon, const QString &text,
                    const QString &objectName, const QKeySequence &shortcut, QWidget *scope)
{
    auto *action = new QAction(portIcon(icon), text, page);
    action->setObjectName(objectName);
    action->setShortcut(shortcut);
    action->setShortcutContext(scope == page ? Qt::WidgetWithChildrenShortcut
                                             : Qt::WidgetShortcut);
    action->setToolTip(QStringLiteral("%1 (%2)").arg(QString(text).remove(u'&'),
                                                     shortcut.toString(QKeySequence::NativeText)));
    scope->addAction(action);
    return action;
}

} // namespace portico
