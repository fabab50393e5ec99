#include "SettingsPage.h"

#include "views/PageHeader.h"

#include <QVBoxLayout>

namespace portico {

SettingsPage::SettingsPage(ControlRoom room, QWidget *parent)
    : QWidget(parent)
    , m_room(room)
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new PageHeader(tr("Settings"), QString()));
    layout->addStretch(1);
}

} // namespace portico
