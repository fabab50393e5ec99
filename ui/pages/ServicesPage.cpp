#include "ServicesPage.h"

#include "views/PageHeader.h"

#include <QVBoxLayout>

namespace portico {

ServicesPage::ServicesPage(ControlRoom room, QWidget *parent)
    : QWidget(parent)
    , m_room(room)
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new PageHeader(tr("Services"), QString()));
    layout->addStretch(1);
}

} // namespace portico
