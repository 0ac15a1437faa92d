/**
 * Everyday words: the 1,000 words that at least one turn in a thousand holds in the ConvAI2 Persona-Chat validation
 * dialogues (human chat about daily life, `persona-chat-convai2-valid`, 15,602 turns: a word in 16 or more of them).
 * "Mom", "day", "living", "name" are among them; "vampire", "alien", "heist", "shawshank" are not. A message's word
 * that is only part of a film's title ("mom" of Serial Mom) and is one of these names no film (`query-text.ts`).
 * `ordinary-words.test.ts` counts them again from the data where it is present.
 */
export const ordinaryWords: ReadonlySet<string> = new Set(
  (
    "a able about absolutely active actually adopted aerosmith afford afraid after afternoon again age ago agree ah " +
    "alabama alaska alcohol all allergic almost alone along alot already alright also although always am amazing " +
    "america an and animal animals another any anymore anything apartment are area aren't arm army around art " +
    "artist artists as ask at ate aunt away awesome awful babies baby back bad bake band bank bar barnaby baseball " +
    "basketball be beach beautiful because become been bees before being believe best bet better between big bike " +
    "biking bills birds birthday bit black blind block blocks blonde blood blue board body book books boring born " +
    "both bought boy boyfriend boys bread break bring brite britney broke broken brother brown build building " +
    "bunnies bunny burger burgers bus business busy but buy by california call came can can't canada cancer candy " +
    "cannot cant car care career cars cat cats center change charlie chat chatting cheeseburgers chef chemistry " +
    "chess chicago chicken child children chinese chips chocolate christian church city class classical clean close " +
    "clothes cloud clowns coach coffee cold college color colorado coloring colors columbus come comic coming " +
    "company computer concert concerts congrats congratulations construction cook cookies cooking cool could " +
    "country couple course cow crazy cream currently custodian cute dad dance dancing date daughter day days dead " +
    "death definitely degree dentist did didn't die diet different disney do doctor documentaries does doesn't dog " +
    "dogs doing dolls don't done donuts door double down dream dreams drink drinking drive driving drugs due during " +
    "duty each early easy eat eating economics either electrician elementary else engineer english enjoy enjoying " +
    "enough especially europe even evening ever every everyone everything everywhere ex except excited exciting " +
    "exercise expensive eyes facebook fall family famous fan fancy far farm farmer fast father fav fave favorite " +
    "feel feeling female few field figure finance find fine finish finished first fish fishing fit five florida " +
    "folk follow food foods football for ford forever found four free french friday friend friends fries from " +
    "frozen full fun funny game games garden gardening garlic gas george german germany get gets getting girl girls " +
    "give glad go god goes going gold good got gotta grade graduate great green grew grey grill grow growing grown " +
    "guess guitar guy guys gym gymnastics ha had haha hair hang happy hard has hat hate hats have haven't having he " +
    "he's head health healthy hear heard heart hello helmet help helped helping helps her here hey hi high hike " +
    "hiking him hip his hobbies hobby hockey holidays home homecoming homeless hope hopefully horror horse horses " +
    "hot hours house houses how huge huh human hummus hurt husband i i'd i'll i'm i've ice idea if important " +
    "impressive in indeed india industry instead instruments insurance interesting internet into is isn't it " +
    "italian italy its jeans job jobs just k keep keeps kid kids kind kinds king kitchen know kosher lab language " +
    "languages large last late later law lawyer learn learned learning least leave left lessons let lets library " +
    "life light like liked likes listen listening lite little live lived living local lol lonely long look looking " +
    "looks lost lot lots love loved lovely loves luck lucky lunch m made mainly major make makes making male man " +
    "manhattan many marathon married math may maybe me mean meat medal meet met metal mexican mickey middle might " +
    "military mind mine mini miss model mom moment money month months more morning most mostly mother motorbike " +
    "mountain mouse move moved movie movies moving much museum music musician must my myself name named names " +
    "nascar near neat need never new next nice night no nope north not nothing now nurse nursing o ocean of off " +
    "office often oh ohio ok okay old older olives olympics on once one ones online only or orange organic other " +
    "others our out outdoors outside over own paella paint papaya parents park parks part party passion pay people " +
    "perfect person pet pets physical piano pick ping pink pizza place places plan play played playground playing " +
    "plays please poetry pole pong pool poor powers practice prefer pregnant pretty pro probably problem " +
    "professional purple put queen quite race racing raised rap rather raw read reading ready real really recently " +
    "red relationship relax relaxing remember reminds restaurant retire retired rich ride riding right rob robot " +
    "rock rolling rolls room roses rowing royce run running s sad said sale same save saw say says scary school " +
    "scorpions scott season second see seem seems seen sell sense service shape she she's shelter shepherd shoes " +
    "shop shopping short should show shows siblings side since sing singing single sister sisters skateboard " +
    "skateboarding skinny sleep small smart so soccer soda softball somalia some someday someone something sometime " +
    "sometimes son song songs sons soon sorry sound sounds soup south spain spanish spare speak spears special " +
    "spend spending spiderman spook sport sports spring star starcraft start started state states station stay " +
    "still stones stop store strange strong student students studio study studying stuff summer sunday super sure " +
    "sweet swift swim swimming t tacos take takes taking talk talking taught taylor tea teach teacher teachers " +
    "teaching team television tell tend tennis th than thank thanks that that's the their them then therapist there " +
    "there's these they they're thing things think thinking third this those though thought three through time " +
    "times tired to today together tomorrow tonight too took totally tough tour town toy toys trabajo tractor " +
    "travel traveling travis treadmill tried triplets trooper truck true try trying turned turtle tv twins twitch " +
    "twitter two type u understand until up us use used usually van vanilla vegan very video vintage violin visit " +
    "visiting volunteer volunteering wait walk walking walks want wanted war wars was watch watches watching water " +
    "way we wear weather wedding week weekend weekends weird welcome well went were what whats when where which " +
    "while who whole why wife will wine winter wish with woman women won wonderful word work worked working workout " +
    "works world would wouldn't wow wrong ya yacht yea yeah year years yellow yes yesterday yet york you you'll " +
    "young your yours yourself"
  ).split(' '),
);
