//! The search benchmark's text: a deterministic generator of English and French sentences
//! whose word frequencies fall off like real text (a few words everywhere, most rare), and the
//! queries asked of it.

/// SplitMix64: small, fast and the same on every machine (the fill must be reproducible).
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// An index in `0..n` skewed towards 0 (about Zipf-like: the first words are the common ones).
    pub fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64) * u * u * u) as usize % n.max(1)
    }
}

const ENGLISH: &str = "the of and to in is that for it with as on be this are by at from or have an they \
which one you were all we can there their has been if more when will would who so no about out up into \
them some could time than first other new also only people work team project meeting design review \
plan data process practice community question answer idea change support research report policy service \
system network model training budget schedule customer quality safety health energy water building city \
transport software hardware security privacy document draft proposal decision feedback workshop course \
lesson method analysis result survey interview user interface access standard guideline template \
checklist example problem solution risk issue goal target milestone release version update migration \
archive library garden kitchen recipe bread coffee tea travel station river mountain forest weather \
winter summer autumn spring morning evening weekend holiday conference talk slide video recording \
audit budgeting onboarding mentoring volunteering accessibility sustainability procurement governance \
compliance inventory maintenance logistics warehouse repair bicycle railway harbour lighthouse orchard \
beekeeping pottery carpentry weaving astronomy geology botany linguistics typography cartography";

const FRENCH: &str = "le la les de des du un une et est en que qui dans pour pas sur au avec il elle nous \
vous ils sont par plus ce cette mais ou comme tout bien être avoir faire aussi encore très après avant \
équipe projet réunion conception révision données processus pratique communauté question réponse idée \
changement soutien recherche rapport politique service système réseau modèle formation budget calendrier \
client qualité sécurité santé énergie eau bâtiment ville transport logiciel matériel confidentialité \
document brouillon proposition décision retour atelier cours leçon méthode analyse résultat enquête \
entretien utilisateur interface accès norme modèle liste exemple problème solution risque objectif étape \
version mise à jour migration archive bibliothèque jardin cuisine recette pain café thé voyage gare \
rivière montagne forêt météo hiver été automne printemps matin soir vacances conférence diapositive \
vidéo enregistrement accessibilité durabilité achats gouvernance conformité inventaire entretien \
logistique entrepôt réparation vélo chemin fer port phare verger apiculture poterie menuiserie tissage \
astronomie géologie botanique linguistique typographie cartographie élève école développement société";

/// Words that occur about once in ten thousand.
const RARE: &str = "zircon quokka axolotl marzipan obsidian periwinkle xylophone kumquat fjord \
gazpacho heliotrope ocelot quasar sextant tamarind umbra vellum wombat yarrow zeppelin \
éphéméride hétérogénéité œnologie chrysanthème serendipité";

/// The word lists.
pub struct Words {
    english: Vec<&'static str>,
    french: Vec<&'static str>,
    rare: Vec<&'static str>,
}

impl Words {
    pub fn new() -> Self {
        let split = |s: &'static str| s.split_whitespace().collect::<Vec<_>>();
        Words { english: split(ENGLISH), french: split(FRENCH), rare: split(RARE) }
    }

    fn word(&self, rng: &mut Rng, french: bool) -> &'static str {
        if rng.below(10_000) == 0 {
            return self.rare[rng.below(self.rare.len() as u64) as usize];
        }
        let list = if french { &self.french } else { &self.english };
        list[rng.skewed(list.len())]
    }

    /// `min..=max` words, capitalised.
    pub fn sentence(&self, rng: &mut Rng, french: bool, min: u64, max: u64) -> String {
        let n = min + rng.below(max - min + 1);
        let mut out = String::new();
        for i in 0..n {
            let w = self.word(rng, french);
            if i == 0 {
                let mut c = w.chars();
                if let Some(f) = c.next() {
                    out.extend(f.to_uppercase());
                    out.push_str(c.as_str());
                }
            } else {
                out.push(' ');
                out.push_str(w);
            }
        }
        out
    }

    /// Two to five sentences.
    pub fn paragraph(&self, rng: &mut Rng, french: bool) -> String {
        let n = 2 + rng.below(4);
        (0..n).map(|_| self.sentence(rng, french, 5, 16) + ".").collect::<Vec<_>>().join(" ")
    }
}

/// `n` queries of 1–3 words: common words, two or three mid-frequency words, rare words,
/// French accented words, and a prefix (a word cut short, as while typing).
pub fn queries(words: &Words, rng: &mut Rng, n: usize) -> Vec<String> {
    let accented: Vec<&str> = words.french.iter().copied().filter(|w| !w.is_ascii() && w.chars().count() > 3).collect();
    let mid =
        |rng: &mut Rng, list: &[&'static str]| list[list.len() / 4 + rng.below((list.len() * 3 / 4) as u64) as usize];
    (0..n)
        .map(|i| match i % 5 {
            0 => words.english[rng.below(40) as usize].to_owned(),
            1 => {
                let k = 2 + rng.below(2);
                (0..k).map(|_| mid(rng, &words.english)).collect::<Vec<_>>().join(" ")
            }
            2 => words.rare[rng.below(words.rare.len() as u64) as usize].to_owned(),
            3 => {
                let k = 1 + rng.below(2);
                (0..k).map(|_| accented[rng.below(accented.len() as u64) as usize]).collect::<Vec<_>>().join(" ")
            }
            _ => {
                let w = mid(rng, &words.english);
                w.chars().take(4.max(w.chars().count() / 2 + 1)).collect()
            }
        })
        .collect()
}
