#include "EmptyState.h"

#include "ControlRoom.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace portico {

EmptyState::EmptyState(const char *icon, QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel)
    , m_explanation(new QLabel)
    , m_buttons(new QHBoxLayout)
{
    auto *picture = new QLabel;
    picture->setPixmap(portIcon(icon).pixmap(48, 48, QIcon::Disabled));
    picture->setAlignment(Qt::AlignCenter);

    m_title->setObjectName(QStringLiteral("emptyTitle"));
    m_title->setAlignment(Qt::AlignCenter);
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.3);
    f.setWeight(QFont::DemiBold);
    m_title->setFont(f);

    m_explanation->setAlignment(Qt::AlignCenter);
    m_explanation->setWordWrap(true);
    m_explanation->setForegroundRole(QPalette::PlaceholderText);
    m_explanation->setMaximumWidth(520);

    m_buttons->addStretch(1);
    m_buttons->addStretch(1);

    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(picture);
    layout->addWidget(m_title);
    layout->addWidget(m_explanation, 0, Qt::AlignHCenter);
    layout->addSpacing(8);
    layout->addLayout(m_buttons);
    layout->addStretch(2);
}

void EmptyState::setText(const QString &title, const QString &explanation)
{
    m_title->setText(title);
    m_explanation->setText(explanation);
}

QPushButton *EmptyState::addButton(const QString &text, const QString &objectName)
{
    auto *button = new QPushButton(text);
    button->setObjectName(objectName);
    m_buttons->insertWidget(m_buttons->count() - 1, button);
    return button;
}

QString EmptyState::title() const
{
    return m_title->text();
}

} // namespace portico
